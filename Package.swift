// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Registrar",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "registrar", targets: ["registrar"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based", exact: "2.0.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", exact: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", exact: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        // Hummingbird's own transport, named for the handler that answers the HTTP parser's refusals with JSON.
        .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", exact: "1.35.2"),
    ],
    targets: [
        // MARK: - System libraries
        /// libzstd through a module map; the Makefile installs libzstd-dev.
        .systemLibrary(
            name: "CZstd",
            pkgConfig: "libzstd",
            providers: [.apt(["libzstd-dev"])]
        ),

        // MARK: - Pure domain
        /// Deciders, commands, events, validation rules and the season calendar. Foundation value types only.
        .target(name: "RegistrationDomain"),

        // MARK: - Storage
        /// The append-only SQLite event log: hash chain, group commit, idempotency, claims, zstd snapshots.
        .target(
            name: "EventLog",
            dependencies: [
                "CZstd",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // MARK: - Application
        /// Event codecs and upcasters, the command handler, clock and id generator, the demo season.
        .target(
            name: "RegistrarApp",
            dependencies: [
                "RegistrationDomain", "EventLog",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),

        // MARK: - Read side
        /// Read models (candidate view, review comparison, audit trail): pure folds, SQL, checkpoints, rebuild.
        .target(
            name: "Projections",
            dependencies: [
                "EventLog", "RegistrationDomain", "RegistrarApp",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // MARK: - Benchmarks
        /// Benchmarks against a raw-SQLite baseline and the Python peer; run by `registrar bench`, never by the tests.
        .target(
            name: "RegistrarBench",
            dependencies: [
                "EventLog", "RegistrarApp", "RegistrationDomain", "Projections",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),

        // MARK: - Shells
        /// The HTTP service (Hummingbird): JSON API v1, bearer sessions, errors, metrics, the OpenAPI document.
        .target(
            name: "RegistrarHTTP",
            dependencies: [
                "RegistrarApp", "EventLog", "RegistrationDomain", "Projections",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
            ]
        ),
        /// swift-argument-parser commands, one file per command.
        .target(
            name: "RegistrarCLI",
            dependencies: [
                "RegistrarApp", "EventLog", "RegistrationDomain", "Projections", "RegistrarBench", "RegistrarHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        /// The `registrar` executable: one entry point.
        .executableTarget(
            name: "registrar",
            dependencies: ["RegistrarCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // MARK: - Tests
        // Scratch directories that the test processes remove when they exit.
        .target(name: "TestScratch", path: "Tests/TestScratch"),
        .testTarget(
            name: "RegistrationDomainTests",
            dependencies: [
                "RegistrationDomain",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "EventLogTests",
            dependencies: ["EventLog", "TestScratch", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "RegistrarAppTests",
            dependencies: ["RegistrarApp", "RegistrationDomain", "EventLog", "TestScratch"],
            resources: [.copy("../../events")]
        ),
        .testTarget(
            name: "ProjectionsTests",
            dependencies: [
                "Projections", "RegistrarApp", "RegistrationDomain", "EventLog", "TestScratch",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            resources: [.copy("../../projections")]
        ),
        .testTarget(
            name: "RegistrarHTTPTests",
            dependencies: [
                "RegistrarHTTP", "RegistrarApp", "RegistrationDomain", "EventLog", "Projections", "TestScratch",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "RegistrarCLITests",
            dependencies: ["RegistrarCLI", "RegistrarApp", "EventLog", "TestScratch"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
