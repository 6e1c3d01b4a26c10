import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TriageHashing

extension ReferenceIndex {
    /// Cache format version; bump when the layout or the feature hashing changes.
    static let cacheFormatVersion: UInt32 = 2
    private static let cacheMagic = Array("TRIAGEIX".utf8)

    /// Loads the reference JSONL at `path` (see ``ReferencePromptReader`` for the formats) and
    /// builds a calibrated index, using an on-disk cache when `cacheDirectory` is given.
    ///
    /// The cache file is `cacheDirectory/<FNV-1a-128 of the file's bytes>.idx` (binary). A cache
    /// whose header does not match `options` or the format version, or that is corrupt, is
    /// ignored and rewritten. The cache is written atomically (temporary file + `rename`); a
    /// failure to write it is not an error (see ``cacheStatus``).
    /// - Throws: ``ReferenceIndexError``.
    public static func load(
        path: String,
        cacheDirectory: String? = nil,
        options: ReferenceIndexOptions = ReferenceIndexOptions()
    ) throws(ReferenceIndexError) -> ReferenceIndex {
        let data = try JSONLines.read(path: path) { ReferenceIndexError.cannotRead(path: path, reason: $0) }
        guard let cacheDirectory else {
            let prompts = try ReferencePromptReader.prompts(data: data, path: path)
            return try build(prompts: prompts, options: options, source: path, cacheStatus: .notUsed)
        }
        let cachePath = (cacheDirectory as NSString).appendingPathComponent(FNV1a.hex128(data) + ".idx")
        if let cached = try? Data(contentsOf: URL(fileURLWithPath: cachePath)),
           let index = try? decode(cached, options: options, cachePath: cachePath) {
            return index
        }
        let prompts = try ReferencePromptReader.prompts(data: data, path: path)
        let built = try build(prompts: prompts, options: options, source: path, cacheStatus: .notUsed)
        let status: ReferenceCacheStatus
        do {
            try writeAtomically(built.encoded(), to: cachePath, directory: cacheDirectory)
            status = .written(path: cachePath)
        } catch {
            status = .writeFailed(path: cachePath, reason: error.reason)
        }
        return ReferenceIndex(options: built.options, calibration: built.calibration, index: built.index,
                              examples: built.examples, cacheStatus: status)
    }

    private static func build(prompts: [String], options: ReferenceIndexOptions, source: String,
                              cacheStatus: ReferenceCacheStatus) throws(ReferenceIndexError) -> ReferenceIndex {
        try ReferenceIndex(prompts: prompts, options: options, source: source, cacheStatus: cacheStatus)
    }

    /// The binary cache representation of this index.
    func encoded() -> Data {
        var writer = BinaryWriter()
        for byte in Self.cacheMagic { writer.write(byte) }
        writer.write(Self.cacheFormatVersion)
        writer.write(UInt32(options.k))
        writer.write(UInt32(options.dimensionBits))
        writer.write(options.heldOutFraction)
        writer.write(options.unseenWordPenalty)
        writer.write(UInt32(index.documentCount))
        writer.writeArray(calibration.sortedScores)
        writer.writeArray(index.idf)
        writer.writeArray(index.longIds)
        writer.writeArray(index.offsets)
        writer.writeArray(index.postings)
        writer.writeArray(index.forwardOffsets)
        writer.writeArray(index.forwardEntries)
        writer.writeArray(index.longNorms)
        writer.writeArray(index.duplicateKeys)
        writer.writeArray(index.duplicateDocuments)
        writer.writeArray(index.vocabulary)
        writer.write(UInt32(examples.count))
        for example in examples { writer.writeString(example) }
        return writer.data
    }

    /// Decodes a cache file; nil when it was built with other options or another format version.
    static func decode(_ data: Data, options: ReferenceIndexOptions, cachePath: String) throws -> ReferenceIndex? {
        var reader = BinaryReader(data)
        for byte in cacheMagic where try reader.read(UInt8.self) != byte { return nil }
        guard try reader.read(UInt32.self) == cacheFormatVersion else { return nil }
        let k = Int(try reader.read(UInt32.self))
        let bits = Int(try reader.read(UInt32.self))
        let fraction = try reader.readDouble()
        let penalty = try reader.readDouble()
        let featurizer = TextFeaturizer(dimensionBits: bits)
        guard k == max(options.k, 1), featurizer == TextFeaturizer(dimensionBits: options.dimensionBits),
              fraction == options.heldOutFraction,
              penalty == (options.unseenWordPenalty.isFinite ? max(options.unseenWordPenalty, 0) : 0) else { return nil }
        let documentCount = Int(try reader.read(UInt32.self))
        let limit = data.count
        let calibration = try reader.readArray(Double.self, maxCount: limit)
        let idf = try reader.readArray(Float.self, maxCount: limit)
        let longIds = try reader.readArray(Int32.self, maxCount: limit)
        let offsets = try reader.readArray(UInt32.self, maxCount: limit)
        let postings = try reader.readArray(Posting.self, maxCount: limit)
        let forwardOffsets = try reader.readArray(UInt32.self, maxCount: limit)
        let forwardEntries = try reader.readArray(Posting.self, maxCount: limit)
        let longNorms = try reader.readArray(Float.self, maxCount: limit)
        let duplicateKeys = try reader.readArray(UInt64.self, maxCount: limit)
        let duplicateDocuments = try reader.readArray(UInt32.self, maxCount: limit)
        let vocabulary = try reader.readArray(UInt64.self, maxCount: limit)
        let exampleCount = Int(try reader.read(UInt32.self))
        guard exampleCount == documentCount, exampleCount <= limit else { throw BinaryReader.Truncated() }
        var examples: [String] = []
        examples.reserveCapacity(exampleCount)
        for _ in 0 ..< exampleCount { examples.append(try reader.readString()) }
        let index = PostingsIndex(featurizer: featurizer, documentCount: documentCount, idf: idf, longIds: longIds,
                                  offsets: offsets, postings: postings, forwardOffsets: forwardOffsets,
                                  forwardEntries: forwardEntries, longNorms: longNorms,
                                  duplicateKeys: duplicateKeys, duplicateDocuments: duplicateDocuments,
                                  vocabulary: vocabulary)
        // Validate everything the unchecked scoring loops rely on.
        guard reader.isAtEnd, index.isConsistent else { throw BinaryReader.Truncated() }
        var normalized = options
        normalized.k = k
        normalized.dimensionBits = bits
        normalized.unseenWordPenalty = penalty
        return ReferenceIndex(options: normalized, calibration: CalibrationTable(scores: calibration), index: index,
                              examples: examples, cacheStatus: .loaded(path: cachePath))
    }

    /// Writes `data` to a temporary file next to `path`, then renames it over `path`.
    private static func writeAtomically(_ data: Data, to path: String, directory: String) throws(CacheWriteFailure) {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0 ... .max))"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CacheWriteFailure(reason: "cannot write \(temporary): \(error.localizedDescription)")
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw CacheWriteFailure(reason: "cannot rename \(temporary) to \(path): \(reason)")
        }
    }
}

