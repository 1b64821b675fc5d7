-- report_currency: the currency the analytics report in (see
-- 003_analytics_macros.sql). No parameters. The other analytic queries take
-- it as their currency parameter.
SELECT report_currency() AS currency;
