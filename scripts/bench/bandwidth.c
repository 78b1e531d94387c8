// How fast this machine reads memory: the best of several passes summing a 1 GiB float array, on one thread and on
// every core (OpenMP), in GB/s (10^9 bytes). Built by scripts/bench/generation.sh when gcc is there: a compiled,
// vectorised loop reads closer to the hardware's limit than the JVM's MemoryBandwidth probe does.
//   gcc -O3 -march=native -ffast-math -fopenmp bandwidth.c -o bandwidth && ./bandwidth [MiB] [passes]
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static double best_pass(const float *a, size_t n, int threads, int passes, float *sink) {
    double best = 0;
    for (int pass = 0; pass <= passes; pass++) {  // pass 0 only warms up
        double start = omp_get_wtime();
        float sum = 0;
#pragma omp parallel for num_threads(threads) reduction(+ : sum) schedule(static)
        for (size_t i = 0; i < n; i++) sum += a[i];
        double seconds = omp_get_wtime() - start;
        *sink += sum;
        double gbs = (double)n * sizeof(float) / seconds / 1e9;
        if (pass > 0 && gbs > best) best = gbs;
    }
    return best;
}

int main(int argc, char **argv) {
    size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 1024;
    int passes = argc > 2 ? atoi(argv[2]) : 8;
    size_t n = mib * (1 << 20) / sizeof(float);
    float *a = malloc(n * sizeof(float));
    if (a == NULL) {
        fprintf(stderr, "bandwidth: cannot allocate %zu MiB\n", mib);
        return 1;
    }
    int cores = omp_get_num_procs();
#pragma omp parallel for num_threads(cores) schedule(static)
    for (size_t i = 0; i < n; i++) a[i] = (float)(i & 1023);
    float sink = 0;
    double one = best_pass(a, n, 1, passes, &sink);
    double all = best_pass(a, n, cores, passes, &sink);
    printf("{\"probe\":\"sum over a float array (C, gcc -O3 -march=native, OpenMP)\",\"bytes\":%zu,"
           "\"read_gb_per_s_1_thread\":%.1f,\"threads\":%d,\"read_gb_per_s_all_threads\":%.1f}\n",
           n * sizeof(float), one, cores, all);
    free(a);
    if (sink == 42.0f) fputs("", stderr);  // keeps the sums alive
    return 0;
}
