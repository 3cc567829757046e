// All-reduce latency and bandwidth between MPI ranks, for the message sizes a distributed
// training step sends (README § Training on several machines). Build and run:
//   mpicc -O2 -o /tmp/allreduce-bench Tools/scripts/allreduce-bench.c
//   mpirun -np 2 --mca btl tcp,self /tmp/allreduce-bench
// Prints, per size, the median time of one in-place MPI_Allreduce (sum of floats) over 20
// repetitions and the algorithm bandwidth (bytes / time).
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const long sizes[] = {4, 1024, 65536, 1L << 20, 3L << 20, 18L << 20, 32L << 20};
    const int repetitions = 20;
    if (rank == 0) printf("%d ranks\nbytes\tmedian_ms\tMB_per_s\n", size);
    for (unsigned s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        long count = sizes[s] / 4;
        float *buffer = calloc((size_t)count, sizeof(float));
        double times[20];
        MPI_Allreduce(MPI_IN_PLACE, buffer, (int)count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        for (int r = 0; r < repetitions; r++) {
            MPI_Barrier(MPI_COMM_WORLD);
            double start = MPI_Wtime();
            MPI_Allreduce(MPI_IN_PLACE, buffer, (int)count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
            times[r] = MPI_Wtime() - start;
        }
        qsort(times, repetitions, sizeof(double), compare);
        double median = times[repetitions / 2];
        if (rank == 0) printf("%ld\t%.3f\t%.0f\n", sizes[s], 1e3 * median, sizes[s] / median / 1e6);
        free(buffer);
    }
    MPI_Finalize();
    return 0;
}
