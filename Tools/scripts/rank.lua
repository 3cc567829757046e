-- wrk script for `train serve`: POSTs /v1/rank bodies read from the file named by $BODIES
-- (one JSON request per line), each thread cycling through them from its own starting line,
-- and prints one machine-readable RESULT line at the end (latencies in microseconds).
local bodies = {}
local next_body = 0
local headers = { ["Content-Type"] = "application/json" }

function init(args)
  for line in io.lines(os.getenv("BODIES")) do
    bodies[#bodies + 1] = line
  end
  next_body = math.random(#bodies)
end

function request()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/v1/rank", headers, bodies[next_body])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d rps=%.1f p50_us=%d p99_us=%d mean_us=%.1f failed=%d\n",
    summary.requests, summary.requests / seconds, latency:percentile(50), latency:percentile(99),
    latency.mean, failed))
end
