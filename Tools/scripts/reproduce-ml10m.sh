#!/usr/bin/env bash
# `make reproduce-ml10m`: the paper's ML-10M flow.
#
# Gets ml-10m.zip (ML10M_ZIP=path, else Datasets/ml-10m.zip, else a download from GroupLens),
# checks it, then runs `train reproduce`: prepare (reference sampling unless SAMPLING=leak-free),
# Base, Ada-Ranker end to end and the two fine-tunings for MODELS (default GRU4Rec; MODELS=all),
# and writes runs/reproduce-ml10m-<sampling>-<protocol>/results.md next to the paper's group_auc.
# The table is compared with the paper's numbers, so the paper protocol is the default here
# (ada_init reference, Ada-Ranker batch 2048); PROTOCOL=fair trains Base and Ada-Ranker with the
# same settings instead (see Packages/Trainer/README.md § Training procedure).
# Without network and without the archive it stops at once with instructions.
set -euo pipefail
cd "$(dirname "$0")/../.."

URL="https://files.grouplens.org/datasets/movielens/ml-10m.zip"
SAMPLING="${SAMPLING:-reference}"
MODELS="${MODELS:-GRU4Rec}"
PROTOCOL="${PROTOCOL:-paper}"

if [ ! -f "Configs/protocol/$PROTOCOL.yaml" ]; then
    echo "error: unknown PROTOCOL=$PROTOCOL (no Configs/protocol/$PROTOCOL.yaml; use paper or fair)" >&2
    exit 1
fi
ZIP="${ML10M_ZIP:-Datasets/ml-10m.zip}"

if [ ! -f "$ZIP" ]; then
    if [ -n "${ML10M_ZIP:-}" ]; then
        echo "error: ML10M_ZIP=$ZIP does not exist" >&2
        exit 1
    fi
    echo "downloading $URL (about 63 MB) ..."
    mkdir -p Datasets
    if ! curl -fL --connect-timeout 10 --retry 1 -o "$ZIP.part" "$URL"; then
        rm -f "$ZIP.part"
        echo "error: cannot download $URL (no network?)." >&2
        echo "Download ml-10m.zip from https://grouplens.org/datasets/movielens/10m/ on another machine and run" >&2
        echo "  make reproduce-ml10m ML10M_ZIP=/path/to/ml-10m.zip" >&2
        exit 1
    fi
    mv "$ZIP.part" "$ZIP"
fi

# Verification: GroupLens publishes an MD5 next to the archive; compare when it is reachable.
# The zip reader also checks the CRC-32 of every entry it reads.
if expected=$(curl -fsL --connect-timeout 5 "$URL.md5" 2>/dev/null | grep -oE '[0-9a-f]{32}' | head -n 1) && [ -n "$expected" ]; then
    actual=$(md5sum "$ZIP" | cut -d ' ' -f 1)
    if [ "$expected" != "$actual" ]; then
        echo "error: $ZIP has MD5 $actual, GroupLens publishes $expected (damaged or another file)" >&2
        exit 1
    fi
    echo "verified $ZIP (MD5 $actual)"
else
    echo "note: GroupLens' MD5 is not reachable; relying on the CRC-32 checks of the zip entries"
fi

echo "building the train tool (release) ..."
swift build -c release ${SWIFT_TRAITS:-} --package-path Tools --product train
BIN="$(swift build -c release ${SWIFT_TRAITS:-} --package-path Tools --show-bin-path)/train"
echo "preparing ML-10M takes a few minutes (10 M ratings, word2vec); a measured training estimate follows."
"$BIN" reproduce --input "$ZIP" --format ml10m --name ML10M \
    --data "Datasets/ML10M-$SAMPLING" --runs "runs/reproduce-ml10m-$SAMPLING-$PROTOCOL" \
    --sampling "$SAMPLING" --models "$MODELS" --protocol "$PROTOCOL" ${ARGS:-}
