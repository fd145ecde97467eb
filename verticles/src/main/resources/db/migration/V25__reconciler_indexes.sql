-- The reconciler's resend and removal rounds (every reconcileInterval, on every node) read every task ever
-- booked: a sequential scan of booking_tasks, 39 ms a round with 25,000 tasks in a placement benchmark, and
-- growing with the history. Each needs a small part of it: the tasks still live (resend), and the ended
-- ones that were sent to a host and are not removed from it yet (removal; a task never sent has nothing on
-- any host to remove).
CREATE INDEX booking_tasks_live ON booking_tasks (booking_id) WHERE state NOT IN ('EXITED', 'FAILED');
CREATE INDEX booking_tasks_unremoved ON booking_tasks (booking_id)
  WHERE removed_at IS NULL AND state IN ('EXITED', 'FAILED') AND sent_at IS NOT NULL;
