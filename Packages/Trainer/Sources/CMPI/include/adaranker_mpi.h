#ifndef ADARANKER_MPI_H
#define ADARANKER_MPI_H

// A small C face of Open MPI for Swift (Trainer README § Training on several machines). MPI's
// communicator and datatype handles are macros Swift cannot import, so every call goes through
// these functions, all on MPI_COMM_WORLD. Each returns MPI_SUCCESS (0) or an MPI error code
// (the communicator is set to return errors instead of aborting).

#include <stdint.h>

/// MPI_Init_thread (serialized); writes this process's rank and the world size.
int adr_mpi_init(int *rank, int *size);
int adr_mpi_finalize(void);
/// Ends every process of the job with `code` (after a fatal error on one rank).
void adr_mpi_abort(int code);
int adr_mpi_barrier(void);
/// In-place element-wise sum over all ranks of `count` floats / doubles.
int adr_mpi_allreduce_sum_float(float *values, int64_t count);
int adr_mpi_allreduce_sum_double(double *values, int64_t count);
/// In-place element-wise minimum and maximum over all ranks of `count` unsigned 64-bit values.
int adr_mpi_allreduce_min_u64(uint64_t *values, int64_t count);
int adr_mpi_allreduce_max_u64(uint64_t *values, int64_t count);
/// Copies `count` bytes of `root`'s buffer into every other rank's buffer.
int adr_mpi_broadcast_bytes(void *bytes, int64_t count, int root);
/// Every rank contributes `counts[rank]` values of `send`; every rank receives all of them in
/// rank order in `receive` (length Σ counts).
int adr_mpi_allgatherv_float(const float *send, float *receive, const int *counts, const int *offsets);
int adr_mpi_allgatherv_i64(const int64_t *send, int64_t *receive, const int *counts, const int *offsets);
/// Every rank's one integer, gathered on every rank in rank order (`receive` has `size` entries).
int adr_mpi_allgather_int(int value, int *receive);
/// The text of an MPI error code.
void adr_mpi_error_string(int code, char *text, int capacity);

#endif
