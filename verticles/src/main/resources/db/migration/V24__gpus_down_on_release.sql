-- A host offering more GPUs than it lists comes down as its reservations are given back, in the
-- statement that gives them back (PgReservations). The reconciler no longer looks for such hosts
-- every round: the planner read the whole hosts table for it (a sequential scan of 20-30 MB with
-- 10,000 hosts under booking churn, tens of milliseconds every second), and this index is unused.
DROP INDEX IF EXISTS hosts_gpus_above_reported;
