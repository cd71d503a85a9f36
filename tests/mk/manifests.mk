# Build manifests (root CMakeLists.txt, idf_component.yml, zephyr/module.yml ->
# platform/zephyr/, library.json, library.properties, platform/cmake/,
# platform/pkgconfig/) and the README's C blocks, each checked the way its tool
# would use it: tests/tools/manifests_check.py and tests/tools/readme_check.py.
#   make manifests-test
.PHONY: manifests-test

# mbedTLS 3.6 headers (what ESP-IDF 5 and Zephyr ship) come from platform.mk's build.
MANIFESTS_MBEDTLS3 := $(MBEDTLS3_SRC)/include
MANIFESTS_PREREQS  := $(CLI_BIN) $(MBEDTLS3_STAMP)
MANIFESTS_COMMANDS := "$(PYTHON) tests/tools/manifests_check.py $(BUILD) $(MANIFESTS_MBEDTLS3)" \
                      "$(PYTHON) tests/tools/readme_check.py $(BUILD) $(MANIFESTS_MBEDTLS3)"

manifests-test: need-core+tls+manifests $(MANIFESTS_PREREQS)
	@tests/tools/run_tests.sh $(MANIFESTS_COMMANDS)

TEST_PREREQS  += $(MANIFESTS_PREREQS)
TEST_COMMANDS += $(MANIFESTS_COMMANDS)
