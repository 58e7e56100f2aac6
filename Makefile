# trailhound - the two commands of the README, and a few conveniences.
#   make demo   install what is missing, build, replay the bundled samples with the bundled rules
#   make test   install what is missing, build, run every test (plain build, then ASan+UBSan, then bounded fuzz runs:
#               JSON scanner vs jansson, record splitter, condition parser round trip, one record through fields,
#               bundled rules and detection rendering, one input file through the file source, one rules file
#               through loading, compiling and evaluation, one `trailhound test` case file)
BUILD      ?= build
BUILD_SAN  ?= build-asan
BUILD_FUZZ ?= build-fuzz
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 60
FUZZ_SECONDS_SMALL ?= 30

.PHONY: all deps build demo test test-plain test-sanitize fuzz bench clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

demo: build
	./$(BUILD)/trailhound replay examples/

test: test-plain test-sanitize fuzz

test-plain: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

test-sanitize: deps
	@cmake -S . -B $(BUILD_SAN) -DCMAKE_BUILD_TYPE=Debug -DTH_SANITIZE=ON >/dev/null
	@cmake --build $(BUILD_SAN) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(BUILD_SAN) --output-on-failure -j$(JOBS)

fuzz: deps
	@CC=clang cmake -S . -B $(BUILD_FUZZ) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTH_FUZZ=ON -DTH_TESTS=OFF >/dev/null
	@cmake --build $(BUILD_FUZZ) -j$(JOBS) --target fuzz_json fuzz_split fuzz_cond fuzz_event fuzz_source fuzz_rules fuzz_cases
	@mkdir -p $(BUILD_FUZZ)/corpus-json $(BUILD_FUZZ)/corpus-split $(BUILD_FUZZ)/corpus-cond $(BUILD_FUZZ)/corpus-event $(BUILD_FUZZ)/corpus-source $(BUILD_FUZZ)/corpus-rules $(BUILD_FUZZ)/corpus-cases
	./$(BUILD_FUZZ)/tests/fuzz/fuzz_json -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  $(BUILD_FUZZ)/corpus-json tests/fixtures/fuzz/json
	./$(BUILD_FUZZ)/tests/fuzz/fuzz_split -max_total_time=$(FUZZ_SECONDS_SMALL) -max_len=2048 \
	  $(BUILD_FUZZ)/corpus-split tests/fixtures/fuzz/split
	./$(BUILD_FUZZ)/tests/fuzz/fuzz_cond -max_total_time=$(FUZZ_SECONDS_SMALL) -max_len=512 \
	  $(BUILD_FUZZ)/corpus-cond tests/fixtures/fuzz/cond
	./$(BUILD_FUZZ)/tests/fuzz/fuzz_event -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
	  -dict=tests/fixtures/fuzz/event.dict $(BUILD_FUZZ)/corpus-event tests/fixtures/fields
	./$(BUILD_FUZZ)/tests/fuzz/fuzz_source -max_total_time=$(FUZZ_SECONDS_SMALL) -max_len=4096 \
	  $(BUILD_FUZZ)/corpus-source tests/fixtures/fuzz/source tests/fixtures/input tests/fixtures/input/bad
	./$(BUILD_FUZZ)/tests/fuzz/fuzz_rules -max_total_time=$(FUZZ_SECONDS_SMALL) -max_len=4096 \
	  -dict=tests/fixtures/fuzz/rules.dict $(BUILD_FUZZ)/corpus-rules tests/fixtures/rules/invalid tests/fixtures/rules/reader
	./$(BUILD_FUZZ)/tests/fuzz/fuzz_cases -max_total_time=$(FUZZ_SECONDS_SMALL) -max_len=4096 \
	  -dict=tests/fixtures/fuzz/cases.dict $(BUILD_FUZZ)/corpus-cases tests/fixtures/rule_tests

bench:
	bench/run.sh

clean:
	rm -rf $(BUILD) $(BUILD_SAN) $(BUILD_FUZZ) build-bench
