/// An ISO 4217 currency: its code and how many digits its minor unit has (2 for USD's cents, 0
/// for JPY, 3 for KWD). Amounts are rounded to the minor unit only when they are shown.
public struct Currency: Sendable, Hashable, CustomStringConvertible {
    public let code: String
    public let minorUnits: Int

    /// The currency `code` names (upper case, as ISO 4217 writes it); nil for a code that is not
    /// a current ISO 4217 currency with a minor unit (funds and metals such as XAU have none).
    public init?(code: String) {
        guard let minorUnits = Self.table[code] else { return nil }
        self.code = code
        self.minorUnits = minorUnits
    }

    public static let usd = Currency(code: "USD")!

    public var description: String { code }

    /// ISO 4217's list one (current currencies), minor units; most have two.
    static let table: [String: Int] = {
        var table: [String: Int] = [:]
        let two = """
            AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD \
            CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS \
            GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL \
            MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK \
            PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS \
            TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG
            """
        for code in two.split(separator: " ") { table[String(code)] = 2 }
        for code in ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"] {
            table[code] = 0
        }
        for code in ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"] { table[code] = 3 }
        for code in ["CLF", "UYW"] { table[code] = 4 }
        return table
    }()
}
