# Ada-Ranker in Swift — build, test, benchmark and run.
#
#   make demo        the main job: synthetic data → GRU4Rec Base vs Ada-Ranker → Markdown table
#   make test        every package's tests, the cross-package tests and the parity check
#   make bench       kernel and model benchmarks (release build)
#   make parity [FIXTURES=<dir>] check models against reference fixtures (default Tests/Fixtures/parity)
#   make fuzz [FUZZ_SECONDS=60]  run every libFuzzer target (Fuzz/) for a bounded time

SHELL := /bin/bash
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
FIXTURES ?= $(if $(ADARANKER_FIXTURES),$(ADARANKER_FIXTURES)/parity,$(ROOT)/Tests/Fixtures/parity)
PACKAGES := Tensor Autograd Metrics DataPipeline SeqModels AdaLayers Trainer
# Packages whose tests train or benchmark real data run optimised.
RELEASE_TEST_PACKAGES := DataPipeline AdaLayers
SWIFT_TEST_FLAGS ?=

export OPENBLAS_NUM_THREADS ?= 2

# `--traits MPI` when Open MPI's headers are installed: `mpirun -np N train fit …` then trains on N
# processes (README § Training on several machines). Every build of Tools uses the same flags.
export SWIFT_TRAITS ?= $(if $(wildcard /usr/include/*/openmpi/mpi.h),--traits MPI,)
TRAIN := swift run -c release $(SWIFT_TRAITS) --package-path Tools train
MODELS ?= GRU4Rec

.PHONY: deps test test-packages test-cross parity bench fuzz demo reproduce-ml10m reproduce-ml100k reproduce-demo clean

## Install the system libraries (OpenBLAS, zlib) when they are missing. Open MPI is optional
## (distributed training): with its headers installed (apt-get install libopenmpi-dev openmpi-bin)
## every build here turns on the MPI trait; without them nothing needs MPI.
deps:
	@missing=""; \
	[ -f /usr/include/x86_64-linux-gnu/cblas.h ] || [ -f /usr/include/cblas.h ] || [ -f /usr/include/openblas/cblas.h ] || missing="$$missing libopenblas-dev"; \
	[ -f /usr/include/zlib.h ] || missing="$$missing zlib1g-dev"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

test: deps test-packages test-cross parity

test-packages:
	@set -e; for p in $(PACKAGES); do \
	  mode=debug; for r in $(RELEASE_TEST_PACKAGES); do [ "$$p" = "$$r" ] && mode=release; done; \
	  echo "==> swift test ($$mode) Packages/$$p"; \
	  (cd Packages/$$p && swift test -c $$mode $(SWIFT_TEST_FLAGS)); \
	done

# The fault and distributed-training tests run the `train` executable built here (ADARANKER_TRAIN).
test-cross:
	swift build -c release $(SWIFT_TRAITS) --package-path Tools --product train
	@echo "==> swift test (release) Tests"
	cd Tests && ADARANKER_TRAIN="$$(swift build -c release $(SWIFT_TRAITS) --package-path ../Tools --show-bin-path)/train" \
	    swift test -c release $(SWIFT_TEST_FLAGS)

parity: deps
	swift run -c release $(SWIFT_TRAITS) --package-path Tools parity "$(FIXTURES)"

bench: deps
	swift run -c release $(SWIFT_TRAITS) --package-path Tools bench $(ARGS)

## libFuzzer targets for every reader of outside bytes (Fuzz/README.md), FUZZ_SECONDS each (default 60).
## Their seeds and regression inputs are replayed by `make test` (the DataPipeline and Trainer tests).
fuzz: deps
	FUZZ_SECONDS="$(or $(FUZZ_SECONDS),60)" bash Fuzz/run-fuzz.sh

## The main job: built-in synthetic data (no download) → GRU4Rec Base vs Ada-Ranker → Markdown table.
demo: deps
	$(TRAIN) demo --out runs/demo

## The paper's flow on ML-10M: ML10M_ZIP=<path> or a download; SAMPLING=reference|leak-free; MODELS=GRU4Rec|all;
## PROTOCOL=paper (default: the paper's settings, compared with its numbers) or fair.
reproduce-ml10m: deps
	ML10M_ZIP="$(ML10M_ZIP)" SAMPLING="$(or $(SAMPLING),reference)" MODELS="$(MODELS)" PROTOCOL="$(or $(PROTOCOL),paper)" bash Tools/scripts/reproduce-ml10m.sh

## The same flow on ML-100K (RecBole files): DATA=<folder with ml-100k.inter/.item>; leak-free sampling
## by default (the reference rule makes ML-100K's valid positives training negatives; see
## Packages/DataPipeline/README.md § Negative sampling). The Ada-Ranker-vs-Base evidence with several
## seeds: MODELS=all by default, SEEDS=2020,2021,2022 of which GRU4Rec and SASRec run all three and the
## others the first (SEEDS_PER_MODEL; empty: every model runs every seed), VARIANTS=base,ada,freeze1 (the evidence table; all adds freeze0).
reproduce-ml100k: SEEDS ?= 2020,2021,2022
reproduce-ml100k: SEEDS_PER_MODEL ?= GRU4Rec=3,SASRec=3
reproduce-ml100k: VARIANTS ?= base,ada,freeze1
reproduce-ml100k: deps
	@[ -n "$(DATA)" ] || { echo "usage: make reproduce-ml100k DATA=<folder with ml-100k.inter and ml-100k.item> [SAMPLING=leak-free|reference] [MODELS=all|GRU4Rec,…] [SEEDS=2020,2021,2022] [SEEDS_PER_MODEL=GRU4Rec=3,SASRec=3] [VARIANTS=all|base,ada,freeze0,freeze1] [PROTOCOL=fair|paper]" >&2; exit 2; }
	$(TRAIN) reproduce --input "$(DATA)" --format recbole --name ML100K \
	    --data "Datasets/ML100K-$(or $(SAMPLING),leak-free)" --runs "runs/reproduce-ml100k-$(or $(SAMPLING),leak-free)-$(or $(PROTOCOL),fair)" \
	    --sampling "$(or $(SAMPLING),leak-free)" --models "$(if $(filter file,$(origin MODELS)),all,$(MODELS))" --protocol "$(or $(PROTOCOL),fair)" \
	    --seeds "$(SEEDS)" --seeds-per-model "$(SEEDS_PER_MODEL)" --variants "$(VARIANTS)"

## The same comparison on the built-in synthetic data (no download): all seven models, Base, Ada-Ranker
## end to end and fine-tuned with freeze 1, seed 2020, the demo's settings (Configs/dataset/demo.yaml).
reproduce-demo: deps
	$(TRAIN) reproduce --synthetic demo --data Datasets/demo-leak-free --runs runs/reproduce-demo \
	    --sampling leak-free --models "$(if $(filter file,$(origin MODELS)),all,$(MODELS))" --variants "$(or $(VARIANTS),base,ada,freeze1)"

clean:
	rm -rf Packages/*/.build Tools/.build Tests/.build
