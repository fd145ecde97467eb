-- Issue 15 (6): a task's output outlives its removal from the host. Just before an ended task is
-- removed (with its container or working directory), the gateway keeps the tail of its stdout and
-- stderr here (at most HostFrame.MAX_OUTPUT_BYTES, as the host serves it), and GET
-- /v1/bookings/{id}/logs serves it from here once the host no longer has the task.
ALTER TABLE booking_tasks
  ADD COLUMN output_stdout text,
  ADD COLUMN output_stderr text,
  ADD COLUMN output_truncated boolean;
