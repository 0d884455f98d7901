/// What the parser keeps about a family while reading it.
struct FamilyState {
    package var typed = false
    /// Whether any sample was read (a stream hands samples out, so `samples` may be empty again).
    var hasSamples = false
    /// First line of the family, for errors about the whole family.
    package var line: Int
    /// Whether the name is a legacy one (`[a-zA-Z_:][a-zA-Z0-9_:]*`), which may be matched
    /// unquoted in place; a quoted UTF-8 name (`"my.metric"`) must be read as such.
    let plainName: Bool

    package init(line: Int, plainName: Bool) {
        self.line = line
        self.plainName = plainName
    }
}
