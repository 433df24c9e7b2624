// Cross-case questions start from guilty charges; at scale the verdict
// index spares a scan of every charge.
CREATE INDEX charge_verdict IF NOT EXISTS FOR (n:Charge) ON (n.verdict);
