/// How many series a source (pushes, remote-write) may add: in one call of `observe`, and
/// in one minute of the server's clock. One 5 MB remote-write request once brought a
/// million new series (310 MB of memory, 250 MB of database).
public struct NewSeriesBudget: Sendable, Equatable {
    public var perRequest: Int
    public var perMinute: Int
    public init(perRequest: Int, perMinute: Int) {
        self.perRequest = perRequest
        self.perMinute = perMinute
    }
}
