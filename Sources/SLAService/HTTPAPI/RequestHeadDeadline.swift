import NIOCore

/// Closes a connection whose request head does not arrive whole within `timeout` of its first
/// byte (a slowloris client trickling header bytes held 500 connections open for 70 s; the
/// idle timeout never fired, as bytes kept coming). It sits first on the connection and reads
/// raw bytes: a head ends at its blank line (CRLF CRLF, or LF LF). After an answer has begun,
/// the next bytes are the next request's head and start the clock again.
final class RequestHeadDeadline: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    package let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// True while a head is arriving (its clock running) or a request is being answered.
    private var inRequest = false
    /// The head's last bytes so far, to find its end across reads.
    private var tail: UInt32 = 0

    package init(timeout: TimeAmount) { self.timeout = timeout }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if !inRequest {
            inRequest = true
            tail = 0
            let channel = context.channel
            timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        }
        if timer != nil,
            buffer.readableBytesView.contains(where: { byte in
                tail = tail << 8 | UInt32(byte)
                return tail == 0x0D0A_0D0A || tail & 0xFFFF == 0x0A0A
            })
        {
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // An answer: whatever comes next is a new request's head.
        if timer == nil { inRequest = false }
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }
}
