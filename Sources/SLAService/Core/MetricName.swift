/// The bytes of names as Prometheus spells them: metric names `[a-zA-Z_:][a-zA-Z0-9_:]*`, label
/// names the same without ':'.
public enum MetricName {
    /// 1 a letter or '_', 2 a digit, 4 ':', 0 anything else.
    public static func byteClass(_ b: UInt8) -> UInt8 {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"): 1
        case UInt8(ascii: "0")...UInt8(ascii: "9"): 2
        case UInt8(ascii: ":"): 4
        default: 0
        }
    }

    /// Whether `b` may stand in a name (`first`: as its first byte; `colon`: a metric name).
    public static func isNameByte(_ b: UInt8, first: Bool, colon: Bool) -> Bool {
        byteClass(b) & (first ? (colon ? 0b101 : 0b001) : (colon ? 0b111 : 0b011)) != 0
    }
}
