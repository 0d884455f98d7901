/// This build's version, as `hms-ops --version` prints it.
public enum Version {
    public static let current = "0.17.0"
}
