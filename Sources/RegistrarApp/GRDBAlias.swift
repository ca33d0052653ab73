import GRDB

/// The database handle rows are written with inside an append transaction.
public typealias GRDBDatabase = GRDB.Database
