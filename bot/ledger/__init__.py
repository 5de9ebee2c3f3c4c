"""The coops' sales ledger: recording, corrections, the hash chain, day closings, exports.

Rows are only ever added (table `sales`); money is integer cents; business days are in
TIMEZONE. The functions take a synchronous `Connection` (the dispatcher's batch, or
`Database.run`) and the current time, so that they commit with the caller's writes.
"""
