/* Runs a libFuzzer target over files given on the command line, without
   libFuzzer: `make test` replays the seed corpus with any compiler, and
   prints "<suite>: N passed, N failed" (a crash or abort fails the run). */
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int main(int argc, char **argv) {
    static unsigned char buf[1 << 16];
    int i, passed = 0, failed = 0;
    const char *suite = argc > 1 ? argv[1] : "fuzz_replay";
    for (i = 2; i < argc; i++) {
        FILE *f = fopen(argv[i], "rb");
        size_t n;
        if (!f) { printf("  FAIL cannot open %s\n", argv[i]); failed++; continue; }
        n = fread(buf, 1, sizeof buf, f);
        if (!feof(f)) { printf("  FAIL %s larger than %u bytes\n", argv[i], (unsigned)sizeof buf); failed++; fclose(f); continue; }
        fclose(f);
        LLVMFuzzerTestOneInput(buf, n);
        passed++;
    }
    printf("%s: %d passed, %d failed\n", suite, passed, failed);
    return failed != 0;
}
