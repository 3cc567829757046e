#include "adaranker_mpi.h"

// Without Open MPI's headers this file compiles to nothing: the Trainer then uses it only when
// built with the MPI trait, which needs them.
#if __has_include(<openmpi/mpi.h>)

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <openmpi/mpi.h>

int adr_mpi_init(int *rank, int *size) {
    int provided = 0;
    int code = MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
    if (code != MPI_SUCCESS) return code;
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    code = MPI_Comm_rank(MPI_COMM_WORLD, rank);
    if (code != MPI_SUCCESS) return code;
    return MPI_Comm_size(MPI_COMM_WORLD, size);
}

int adr_mpi_finalize(void) { return MPI_Finalize(); }

void adr_mpi_abort(int code) { MPI_Abort(MPI_COMM_WORLD, code); }

int adr_mpi_barrier(void) { return MPI_Barrier(MPI_COMM_WORLD); }

/// MPI counts are `int`: longer buffers go in chunks of at most INT_MAX / 2 elements.
#define ADR_CHUNK ((int64_t)(INT_MAX / 2))

static int allreduce_chunked(void *values, int64_t count, MPI_Datatype type, size_t width, MPI_Op op) {
    char *bytes = (char *)values;
    for (int64_t start = 0; start < count; start += ADR_CHUNK) {
        int64_t n = count - start < ADR_CHUNK ? count - start : ADR_CHUNK;
        int code = MPI_Allreduce(MPI_IN_PLACE, bytes + start * (int64_t)width, (int)n, type, op, MPI_COMM_WORLD);
        if (code != MPI_SUCCESS) return code;
    }
    return MPI_SUCCESS;
}

int adr_mpi_allreduce_sum_float(float *values, int64_t count) {
    return allreduce_chunked(values, count, MPI_FLOAT, sizeof(float), MPI_SUM);
}

int adr_mpi_allreduce_sum_double(double *values, int64_t count) {
    return allreduce_chunked(values, count, MPI_DOUBLE, sizeof(double), MPI_SUM);
}

int adr_mpi_allreduce_min_u64(uint64_t *values, int64_t count) {
    return allreduce_chunked(values, count, MPI_UINT64_T, sizeof(uint64_t), MPI_MIN);
}

int adr_mpi_allreduce_max_u64(uint64_t *values, int64_t count) {
    return allreduce_chunked(values, count, MPI_UINT64_T, sizeof(uint64_t), MPI_MAX);
}

int adr_mpi_broadcast_bytes(void *bytes, int64_t count, int root) {
    char *data = (char *)bytes;
    for (int64_t start = 0; start < count; start += ADR_CHUNK) {
        int64_t n = count - start < ADR_CHUNK ? count - start : ADR_CHUNK;
        int code = MPI_Bcast(data + start, (int)n, MPI_BYTE, root, MPI_COMM_WORLD);
        if (code != MPI_SUCCESS) return code;
    }
    return MPI_SUCCESS;
}

int adr_mpi_allgatherv_float(const float *send, float *receive, const int *counts, const int *offsets) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return MPI_Allgatherv(send, counts[rank], MPI_FLOAT, receive, counts, offsets, MPI_FLOAT, MPI_COMM_WORLD);
}

int adr_mpi_allgatherv_i64(const int64_t *send, int64_t *receive, const int *counts, const int *offsets) {
    int rank = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    return MPI_Allgatherv(send, counts[rank], MPI_INT64_T, receive, counts, offsets, MPI_INT64_T, MPI_COMM_WORLD);
}

int adr_mpi_allgather_int(int value, int *receive) {
    return MPI_Allgather(&value, 1, MPI_INT, receive, 1, MPI_INT, MPI_COMM_WORLD);
}

void adr_mpi_error_string(int code, char *text, int capacity) {
    char buffer[MPI_MAX_ERROR_STRING];
    int length = 0;
    if (MPI_Error_string(code, buffer, &length) != MPI_SUCCESS) length = 0;
    buffer[length < MPI_MAX_ERROR_STRING ? length : MPI_MAX_ERROR_STRING - 1] = 0;
    strncpy(text, buffer, capacity > 0 ? (size_t)capacity - 1 : 0);
    if (capacity > 0) text[capacity - 1] = 0;
}

#endif
