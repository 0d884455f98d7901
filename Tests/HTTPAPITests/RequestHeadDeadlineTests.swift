import NIOCore
import NIOEmbedded
import Testing

@testable import HTTPAPI

/// A request head must arrive whole within the header timeout of its first byte: a slowloris
/// client trickling bytes is cut off, a slow but whole head and an idle keep-alive are not.
/// Time is the embedded loop's, advanced by hand.
@Suite("Request head deadline")
struct RequestHeadDeadlineTests {
    func channel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: RequestHeadDeadline(timeout: .seconds(10)))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    @Test func aHeadTrickledPastTheTimeoutClosesTheConnection() throws {
        let channel = try channel()
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n"))
        for _ in 0..<9 {
            channel.embeddedEventLoop.advanceTime(by: .seconds(1))
            try channel.writeInbound(ByteBuffer(string: "X"))
        }
        #expect(channel.isActive)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(!channel.isActive)
    }

    @Test func aWholeHeadStopsTheClockAndTheNextHeadStartsItAgain() throws {
        let channel = try channel()
        // The blank line split across reads still ends the head.
        try channel.writeInbound(ByteBuffer(string: "GET / HTTP/1.1\r\nHost: x\r\n\r"))
        try channel.writeInbound(ByteBuffer(string: "\n"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive, "answering and keeping alive are not the head's time")
        try channel.writeOutbound(ByteBuffer(string: "HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(60))
        #expect(channel.isActive, "an idle keep-alive is the idle timeout's")
        try channel.writeInbound(ByteBuffer(string: "GET /next HTTP/1.1\n"))
        channel.embeddedEventLoop.advanceTime(by: .seconds(10))
        #expect(!channel.isActive)
    }
}
