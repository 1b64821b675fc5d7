-- audit_actions: the actions that the audit log holds, for its filter.
SELECT DISTINCT action FROM audit_log ORDER BY action
