"""The risk-buffer fund (风险缓释基金, SPEC §7): its money kept on a double-entry ledger."""
