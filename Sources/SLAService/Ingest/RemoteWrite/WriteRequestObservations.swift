/// What a remote-write request's samples become: observations of series named by `__name__`
/// (the kind from the name, `SampleMapper.seriesKey(named:labels:)`), empty labels left out.
extension WriteRequest {
    /// The request's samples, and how many belong to series without a name (not kept).
    package func observations() -> (kept: [SampleMapper.Observation], nameless: Int) {
        var out: [SampleMapper.Observation] = []
        var nameless = 0
        for series in self.series {
            guard let name = series.labels.first(where: { $0.name == "__name__" })?.value, !name.isEmpty else {
                nameless += series.samples.count
                continue
            }
            let key = SampleMapper.seriesKey(named: name, labels: series.labels.filter { $0.name != "__name__" && !$0.value.isEmpty })
            for sample in series.samples { out.append(.init(series: key, value: sample.value, at: sample.timestamp)) }
        }
        return (out, nameless)
    }
}
