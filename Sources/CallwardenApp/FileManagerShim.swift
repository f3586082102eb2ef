import Foundation

enum FileManagerShim {
    static func isReadableFile(_ path: String) -> Bool { FileManager.default.isReadableFile(atPath: path) }
}
