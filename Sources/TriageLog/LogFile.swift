import Foundation

import Glibc

/// The routing log's open file as the writer thread sees it: descriptor, identity, size.
///
/// Every write goes through ``append(_:)``, which keeps the file made of whole lines: a write
/// that fails part-way (disk full, file-size limit, I/O error) is cut back off the file with
/// `ftruncate`, and if even that fails the next append first ends the torn line. The identity
/// (device and inode) lets the writer notice a file that was deleted, or renamed and replaced,
/// under it (``refresh()``) and open the path again.
struct LogFile {
    /// `write(2)`, or a stand-in that fails on purpose in tests of the failure paths.
    typealias WriteFunction = @Sendable (Int32, UnsafeRawPointer, Int) -> Int

    let path: String
    let mode: mode_t
    private(set) var fd: Int32
    private var device: UInt
    private var inode: UInt
    /// Bytes in the file, as far as this writer knows.
    var size: Int
    /// When the file was opened (or last written, for a file that existed before): daily rotation counts from here.
    var openedAt: Date
    /// True after a failed write whose torn bytes could not be removed: the next append starts with a newline if needed.
    private var mayEndInPartialLine = false

    /// Opens `path` for appending, creating it (mode `mode`) and its directory if needed. The
    /// mode is applied to an existing file too, so a log created world-readable by an older
    /// version is closed off. A partial last line (a crash mid-write) is ended.
    static func open(path: String, mode: mode_t) throws(RoutingLogError) -> LogFile {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty && !FileManager.default.fileExists(atPath: directory) {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .cannotOpen(path: path, reason: "cannot create directory '\(directory)': \(error.localizedDescription)")
            }
        }
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            let reason = String(cString: strerror(errno))
            _ = Glibc.close(fd)
            throw .cannotOpen(path: path, reason: reason)
        }
        if info.st_mode & 0o7777 != mode {
            _ = fchmod(fd, mode)  // owner-only by default: every prompt is in this file
        }
        let existing = info.st_size > 0 ? Date(timeIntervalSince1970: Double(info.st_mtim.tv_sec)) : nil
        var file = LogFile(
            path: path, mode: mode, fd: fd, device: UInt(info.st_dev), inode: UInt(info.st_ino),
            size: Int(info.st_size), openedAt: existing ?? Date()
        )
        file.mayEndInPartialLine = true
        return file
    }

    private init(path: String, mode: mode_t, fd: Int32, device: UInt, inode: UInt, size: Int, openedAt: Date) {
        self.path = path
        self.mode = mode
        self.fd = fd
        self.device = device
        self.inode = inode
        self.size = size
        self.openedAt = openedAt
    }

    /// False when `path` no longer names the open file: deleted (with or without its
    /// directory), or renamed away and replaced by another file. True: the file is still the
    /// path's, and ``size`` is set to its size now. One `stat(2)` of the path, which is all a
    /// batch costs in metadata: the descriptor's device and inode are kept from the open, and
    /// ``append(_:using:)`` counts from ``size``.
    mutating func refresh() -> Bool {
        var info = stat()
        guard stat(path, &info) == 0, UInt(info.st_dev) == device, UInt(info.st_ino) == inode else { return false }
        size = Int(info.st_size)
        return true
    }

    func close() {
        fsync(fd)
        _ = Glibc.close(fd)
    }

    func sync() {
        fsync(fd)
    }

    /// Appends `bytes` whole, looping over short writes. On failure the bytes this call did
    /// write are cut off again (back to ``size``: the file's size at the last ``refresh()``
    /// plus what this writer appended since), so the file still ends at a line boundary, and
    /// the error (`errno`) is returned.
    mutating func append(_ bytes: [UInt8], using write: WriteFunction) -> Int32? {
        guard !bytes.isEmpty else { return nil }
        if mayEndInPartialLine {
            guard endPartialLine(using: write) else { return errno }
        }
        let before = size
        var offset = 0
        while offset < bytes.count {
            let fd = self.fd
            let result = bytes.withUnsafeBytes { raw -> Int in
                guard let base = raw.baseAddress else { return 0 }
                return write(fd, base + offset, raw.count - offset)
            }
            if result < 0 {
                let error = errno
                if error == EINTR { continue }
                if offset > 0 && ftruncate(fd, off_t(before)) != 0 {
                    mayEndInPartialLine = true
                }
                size = before
                return error
            }
            if result == 0 {
                // No progress and no error: treat like a full disk rather than spin.
                if offset > 0 && ftruncate(fd, off_t(before)) != 0 { mayEndInPartialLine = true }
                size = before
                return ENOSPC
            }
            offset += result
        }
        size = before + offset
        return nil
    }

    /// Ends a partial last line with a newline so that the next record starts on a line of its
    /// own; false (with `errno` set) when that newline cannot be written.
    private mutating func endPartialLine(using write: WriteFunction) -> Bool {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return false }
        let end = Int(info.st_size)
        size = end
        var last: UInt8 = 0
        if end > 0, pread(fd, &last, 1, off_t(end - 1)) == 1, last != UInt8(ascii: "\n") {
            var newline = UInt8(ascii: "\n")
            guard write(fd, &newline, 1) == 1 else {
                if errno == 0 { errno = ENOSPC }
                return false
            }
            size = end + 1
        }
        mayEndInPartialLine = false
        return true
    }
}
