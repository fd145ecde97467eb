-- Issue 17: GPUs handed to tasks by id, their measured memory, and GPU loss.
-- The GPUs a task holds on its host (nvidia-smi UUIDs), as the host reported them; NULL when none.
ALTER TABLE booking_tasks ADD COLUMN gpu_ids text[];
-- GPU memory the task used at the sample (bytes, a gauge); NULL when not measured.
ALTER TABLE usage_samples ADD COLUMN gpu_memory_bytes bigint CHECK (gpu_memory_bytes >= 0);
-- The GPUs the host's last inventory listed. hosts.gpus (what is offered) may not drop below the
-- GPUs reserved on the host (CHECK reserved_gpus <= gpus), so when a GPU is lost while booked,
-- gpus stays above this until the reconciler has moved or failed the tasks that held it and the
-- reservation is given back; then gpus comes down to it.
ALTER TABLE hosts ADD COLUMN gpus_reported int CHECK (gpus_reported >= 0);
CREATE INDEX hosts_gpus_above_reported ON hosts (id) WHERE gpus > gpus_reported;
-- Live tasks holding GPUs, checked every reconciler round against their hosts' inventories.
CREATE INDEX booking_tasks_live_gpus ON booking_tasks (host_id) WHERE current AND gpu_ids IS NOT NULL AND state NOT IN ('EXITED', 'FAILED');
