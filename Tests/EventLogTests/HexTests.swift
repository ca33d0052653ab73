import Foundation
import Testing

@testable import EventLog

@Suite("Hexadecimal")
struct HexTests {
    @Test func hexStringIsLowerCaseTwoDigitsPerByteAndParsesBack() {
        #expect(Data().hexString == "")
        #expect(Data([0x00, 0x0f, 0xa0, 0xff]).hexString == "000fa0ff")
        var generator = SystemRandomNumberGenerator()
        for count in [1, 31, 32, 33, 257] {
            let data = Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let reference = data.map { String(format: "%02x", $0) }.joined()
            #expect(data.hexString == reference)
            #expect(Data(hexString: data.hexString) == data)
            // A slice (non-zero start index) reads its own bytes.
            #expect(data.dropFirst().hexString == String(reference.dropFirst(2)))
        }
    }
}
