-- dunning_plan_planned: the planned steps, each with whether it was planned
-- on the day (?) and whether it was deferred.
SELECT customer_id, step, cycle_start, plan_date = ?, deferred FROM dunning_plan
