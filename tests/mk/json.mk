# JSON area: validator cross-check against a strict reference on Python's
# json module, over a seeded corpus of mutated documents.
$(BUILD)/tools/validate_stdin: tests/tools/validate_stdin.c apconn.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $< -o $@ $(LDFLAGS)

json-crosscheck: $(BUILD)/tools/validate_stdin
	@tests/tools/run_tests.sh "$(PYTHON) tests/tools/validate_crosscheck.py $(BUILD)/tools/validate_stdin"

.PHONY: json-crosscheck
TEST_PREREQS  += $(BUILD)/tools/validate_stdin
TEST_COMMANDS += "$(PYTHON) tests/tools/validate_crosscheck.py $(BUILD)/tools/validate_stdin"
