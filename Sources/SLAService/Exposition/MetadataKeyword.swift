/// The metadata lines both formats share (UNIT is OpenMetrics only).
enum MetadataKeyword: String {
    case help = "HELP", type = "TYPE", unit = "UNIT"
}
