# Build manifests (root CMakeLists.txt, idf_component.yml, zephyr/module.yml ->
# platform/zephyr/, library.json, library.properties, platform/cmake/,
# platform/pkgconfig/) and the README's C blocks, each checked the way its tool
# would use it: tests/tools/manifests_check.py and tests/tools/readme_check.py.
#   make manifests-test
.PHONY: manifests-test deps-manifests
deps-manifests:
	@sh $(DEPS) manifests

# mbedTLS 3.6 headers (what ESP-IDF 5 and Zephyr ship) come from platform.mk's
# build; the path is spelled out because platform.mk is read after this file.
MANIFESTS_MBEDTLS3 := $(BUILD)/mbedtls3-src/mbedtls/include
MANIFESTS_PREREQS  := deps-manifests $(CLI_BIN) $(BUILD)/mbedtls3-src/built.stamp
MANIFESTS_COMMANDS := "$(PYTHON) tests/tools/manifests_check.py $(BUILD) $(MANIFESTS_MBEDTLS3)" \
                      "$(PYTHON) tests/tools/readme_check.py $(BUILD) $(MANIFESTS_MBEDTLS3)"

manifests-test: deps-core deps-tls $(MANIFESTS_PREREQS)
	@tests/tools/run_tests.sh $(MANIFESTS_COMMANDS)

TEST_PREREQS  += $(MANIFESTS_PREREQS)
TEST_COMMANDS += $(MANIFESTS_COMMANDS)
