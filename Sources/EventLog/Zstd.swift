import CZstd
import Foundation
import Synchronization

/// A zstd failure, with zstd's own error name.
public struct ZstdError: Error, CustomStringConvertible, Equatable {
    /// What failed.
    public let description: String
}

/// Real zstd frames through the system libzstd: one-shot compression with an optional trained dictionary,
/// dictionary training (ZDICT), and streaming for export files.
public enum Zstd {
    /// Compresses into one frame (content size recorded in the header, checksum on).
    public static func compress(_ data: Data, level: Int32 = 3) throws -> Data {
        try ZstdCodec(level: level, dictionary: nil).compress(data)
    }

    /// Decompresses one frame; `dictionary` is needed when the frame was made with one.
    public static func decompress(_ frame: Data, dictionary: Data? = nil) throws -> Data {
        try ZstdCodec(level: 3, dictionary: dictionary).decompress(frame)
    }

    /// Trains a dictionary of at most `capacity` bytes from samples (ZDICT_trainFromBuffer).
    public static func trainDictionary(samples: [Data], capacity: Int = 32 * 1024) throws -> Data {
        // 256 is ZDICT_DICTSIZE_MIN; the upper bound keeps a mistyped size from allocating (or trapping on) a huge buffer.
        guard (256...(1 << 30)).contains(capacity) else {
            throw ZstdError(description: "a dictionary's capacity must be between 256 bytes and 1 GiB, not \(capacity)")
        }
        guard samples.count >= 8 else { throw ZstdError(description: "need at least 8 samples to train a dictionary, have \(samples.count)") }
        var joined = Data()
        var sizes = [Int]()
        for sample in samples {
            joined.append(sample)
            sizes.append(sample.count)
        }
        var dictionary = Data(count: capacity)
        let written = dictionary.withUnsafeMutableBytes { out in
            joined.withUnsafeBytes { samplesBuffer in
                ZDICT_trainFromBuffer(out.baseAddress, capacity, samplesBuffer.baseAddress, sizes, UInt32(sizes.count))
            }
        }
        if ZDICT_isError(written) != 0 {
            throw ZstdError(description: "dictionary training failed: \(String(cString: ZDICT_getErrorName(written)))")
        }
        return dictionary.prefix(written)
    }

    /// The id a trained dictionary carries in its header (0 for raw content).
    public static func dictionaryID(_ dictionary: Data) -> UInt32 {
        dictionary.withUnsafeBytes { ZDICT_getDictID($0.baseAddress, $0.count) }
    }

    /// The dictionary id recorded in a frame header (0 when none).
    public static func frameDictionaryID(_ frame: Data) -> UInt32 {
        frame.withUnsafeBytes { ZSTD_getDictID_fromFrame($0.baseAddress, $0.count) }
    }

    static func check(_ code: Int, _ what: String) throws {
        if ZSTD_isError(code) != 0 {
            throw ZstdError(description: "\(what): \(String(cString: ZSTD_getErrorName(code)))")
        }
    }
}

/// A reusable compressor/decompressor bound to one level and one (optional) dictionary.
///
/// Digested dictionaries and contexts are made once and pooled: creating them costs far more than compressing a
/// few kilobytes.
public final class ZstdCodec: @unchecked Sendable {
    // The pointers are only touched while their context is checked out of a pool under the mutex.
    private let cdict: OpaquePointer?
    private let ddict: OpaquePointer?
    private let level: Int32
    private struct Context: @unchecked Sendable { let pointer: OpaquePointer }
    private let compressionContexts = Mutex<[Context]>([])
    private let decompressionContexts = Mutex<[Context]>([])
    /// The dictionary's id (0 when none).
    public let dictionaryID: UInt32

    /// Creates a codec; `dictionary` may be a ZDICT-trained dictionary or raw content.
    public init(level: Int32 = 3, dictionary: Data?) {
        self.level = level
        if let dictionary, !dictionary.isEmpty {
            cdict = dictionary.withUnsafeBytes { ZSTD_createCDict($0.baseAddress, $0.count, level) }
            ddict = dictionary.withUnsafeBytes { ZSTD_createDDict($0.baseAddress, $0.count) }
            dictionaryID = Zstd.dictionaryID(dictionary)
        } else {
            cdict = nil
            ddict = nil
            dictionaryID = 0
        }
    }

    deinit {
        if let cdict { ZSTD_freeCDict(cdict) }
        if let ddict { ZSTD_freeDDict(ddict) }
        for context in compressionContexts.withLock({ $0 }) { ZSTD_freeCCtx(context.pointer) }
        for context in decompressionContexts.withLock({ $0 }) { ZSTD_freeDCtx(context.pointer) }
    }

    /// Compresses into one frame with content size and checksum.
    public func compress(_ data: Data) throws -> Data {
        let context = compressionContexts.withLock { $0.popLast()?.pointer } ?? ZSTD_createCCtx()!
        defer { compressionContexts.withLock { $0.append(Context(pointer: context)) } }
        ZSTD_CCtx_reset(context, ZSTD_reset_session_and_parameters)
        try Zstd.check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "set checksum")
        if let cdict {
            try Zstd.check(ZSTD_CCtx_refCDict(context, cdict), "reference dictionary")
        } else {
            try Zstd.check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level), "set level")
            // Literals stored raw: without a dictionary, each small frame would carry its own Huffman table, which a
            // reader must build before it decodes anything. On ~2 KB snapshots this makes decompression ~2.5 × faster
            // (a snapshot load ~2.5 µs cheaper) for frames 5–7 % larger. (The parameter is zstd's
            // ZSTD_c_literalCompressionMode, set to ZSTD_ps_disable; its name needs ZSTD_STATIC_LINKING_ONLY.)
            try Zstd.check(ZSTD_CCtx_setParameter(context, ZSTD_c_experimentalParam5, 2), "store literals raw")
        }
        let bound = ZSTD_compressBound(data.count)
        var output = Data(count: bound)
        let written = output.withUnsafeMutableBytes { out in
            data.withUnsafeBytes { input in
                ZSTD_compress2(context, out.baseAddress, bound, input.baseAddress, input.count)
            }
        }
        try Zstd.check(written, "compress")
        output.count = written
        return output
    }

    /// Decompresses one frame made with this codec's dictionary (or none).
    public func decompress(_ frame: Data) throws -> Data {
        let size = frame.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, $0.count) }
        // ZSTD_CONTENTSIZE_UNKNOWN and ZSTD_CONTENTSIZE_ERROR are the two largest UInt64 values.
        guard size < UInt64.max - 1 else { throw ZstdError(description: "not a zstd frame with a known content size") }
        guard size <= 256 * 1024 * 1024 else { throw ZstdError(description: "frame content too large: \(size) bytes") }
        let context = decompressionContexts.withLock { $0.popLast()?.pointer } ?? ZSTD_createDCtx()!
        defer { decompressionContexts.withLock { $0.append(Context(pointer: context)) } }
        var output = Data(count: Int(size))
        let written = output.withUnsafeMutableBytes { out in
            frame.withUnsafeBytes { input in
                if let ddict {
                    ZSTD_decompress_usingDDict(context, out.baseAddress, out.count, input.baseAddress, input.count, ddict)
                } else {
                    ZSTD_decompressDCtx(context, out.baseAddress, out.count, input.baseAddress, input.count)
                }
            }
        }
        try Zstd.check(written, "decompress")
        guard written == Int(size) else { throw ZstdError(description: "decompressed \(written) bytes, frame says \(size)") }
        return output
    }
}

/// A file that could not be written, or that an export refuses to write, with the file's path and the reason.
public struct FileError: Error, Equatable, CustomStringConvertible {
    /// What went wrong, naming the file.
    public let description: String

    /// Creates an error with its message.
    public init(_ description: String) { self.description = description }

    /// `what path: reason`, with the reason the current `errno` gives.
    static func system(_ what: String, _ path: String) -> FileError {
        FileError("\(what) \(path): \(String(cString: strerror(errno)))")
    }
}

/// Writes a zstd stream to a new file, chunk by chunk.
///
/// Errors name the file and the system's reason (e.g. "No space left on device").
public final class ZstdFileWriter {
    private let context: OpaquePointer
    private let path: String
    private var descriptor: Int32
    private var outBuffer: [UInt8]

    /// Creates the file at `url`; refuses one that exists (nothing is ever truncated).
    public init(url: URL, level: Int32 = 3) throws {
        path = url.path
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw FileError.system("cannot create", path) }
        context = ZSTD_createCCtx()
        outBuffer = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        try Zstd.check(ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, level), "set level")
        try Zstd.check(ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1), "set checksum")
    }

    deinit {
        ZSTD_freeCCtx(context)
        if descriptor >= 0 { close(descriptor) }
    }

    /// Compresses and writes bytes.
    public func write(_ data: Data) throws {
        try data.withUnsafeBytes { input in
            var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
            while inBuffer.pos < inBuffer.size {
                try drain(&inBuffer, directive: ZSTD_e_continue)
            }
        }
    }

    /// Ends the frame, flushes the file to disk and closes it.
    public func finish() throws {
        var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try drain(&inBuffer, directive: ZSTD_e_end) != 0 {}
        guard fsync(descriptor) == 0 else { throw FileError.system("cannot write", path) }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else { throw FileError.system("cannot write", path) }
    }

    @discardableResult
    private func drain(_ inBuffer: inout ZSTD_inBuffer, directive: ZSTD_EndDirective) throws -> Int {
        let capacity = outBuffer.count
        let (remaining, produced) = try outBuffer.withUnsafeMutableBytes { out in
            var outStream = ZSTD_outBuffer(dst: out.baseAddress, size: capacity, pos: 0)
            let remaining = ZSTD_compressStream2(context, &outStream, &inBuffer, directive)
            try Zstd.check(remaining, "compress stream")
            return (remaining, outStream.pos)
        }
        try outBuffer.withUnsafeBytes { bytes in
            var offset = 0
            while offset < produced {
                let written = systemWrite(descriptor, bytes.baseAddress! + offset, produced - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw FileError.system("cannot write", path) }
                offset += written
            }
        }
        return remaining
    }
}

// At file scope, where `write` is the system call rather than the writer's method.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// Reads a zstd-compressed file line by line (JSON Lines), without holding it all in memory.
// Unchecked: a reader is used by one task at a time (it is handed to the database writer closure whole).
public final class ZstdLineReader: @unchecked Sendable {
    private let context: OpaquePointer
    private let handle: FileHandle
    private var input = Data()
    private var inputPosition = 0
    private var pending = Data()
    private var finished = false
    private var lastResult = 0

    /// Opens the file at `url`.
    public init(url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)
        context = ZSTD_createDCtx()
    }

    deinit {
        ZSTD_freeDCtx(context)
        try? handle.close()
    }

    /// The next line without its newline, or nil at the end.
    public func nextLine() throws -> Data? {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                let line = pending[pending.startIndex..<newline]
                pending.removeSubrange(pending.startIndex...newline)
                return Data(line)
            }
            if finished {
                if pending.isEmpty { return nil }
                defer { pending.removeAll() }
                return pending
            }
            try fill()
        }
    }

    private func fill() throws {
        if inputPosition >= input.count {
            let chunk = try handle.read(upToCount: 1 << 17) ?? Data()
            if chunk.isEmpty {
                finished = true
                if lastResult != 0 { throw ZstdError(description: "truncated zstd stream") }
                return
            }
            input = chunk
            inputPosition = 0
        }
        var output = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        let capacity = output.count
        let (produced, consumed) = try input.withUnsafeBytes { inBytes in
            try output.withUnsafeMutableBytes { outBytes in
                var inBuffer = ZSTD_inBuffer(src: inBytes.baseAddress, size: inBytes.count, pos: inputPosition)
                var outBuffer = ZSTD_outBuffer(dst: outBytes.baseAddress, size: capacity, pos: 0)
                let result = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                try Zstd.check(result, "decompress stream")
                lastResult = result
                return (outBuffer.pos, inBuffer.pos)
            }
        }
        inputPosition = consumed
        pending.append(contentsOf: output[0..<produced])
    }
}
