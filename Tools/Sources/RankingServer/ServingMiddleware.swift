import Hummingbird

/// Wraps every route (and unknown paths): turns any thrown error into a one-line JSON error
/// response with its status, and records the request in `ServingMetrics`.
struct ServingMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServingMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let began = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Self.errorResponse(Self.apiError(error, request: request))
        }
        let elapsed = ContinuousClock.now - began
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        metrics.requestFinished(endpoint: ServingMetrics.endpoint(ofPath: request.uri.path),
                                status: response.status.code, nanoseconds: nanoseconds)
        return response
    }

    /// The client-facing form of `error`: ours as it is, Hummingbird's with its status, anything
    /// else as a 500 (the server keeps running either way).
    static func apiError(_ error: any Error, request: Request) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? any HTTPResponseError {
            switch error.status {
            case .notFound: return APIError(.notFound, "no route for \(request.method) \(request.uri.path)")
            case .contentTooLarge: return APIError(.contentTooLarge, "request body too large")
            default: return APIError(error.status, "\(error.status.reasonPhrase): \(error)")
            }
        }
        return APIError(.internalServerError, "internal error: \(error)")
    }

    static func errorResponse(_ error: APIError) -> Response {
        Response(status: error.status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: error.jsonBody)))
    }
}
