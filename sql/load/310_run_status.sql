-- Record how this run ended (or that it is publishing), why, and its summary.
update work.audit.run_log
set
    status = $status,
    message = $message,
    finished_at = $now,
    summary_json = coalesce($summary_json, summary_json)
where run_id = $run_id;
