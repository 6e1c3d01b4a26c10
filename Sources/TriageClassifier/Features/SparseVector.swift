/// A sparse vector as two parallel arrays sorted by strictly increasing index.
public struct SparseVector: Sendable, Equatable {
    /// Feature indices, strictly increasing.
    public var indices: [UInt32]
    /// The value of each index.
    public var values: [Float]

    /// Creates a vector from parallel arrays (the caller guarantees sorted, unique indices).
    public init(indices: [UInt32] = [], values: [Float] = []) {
        self.indices = indices
        self.values = values
    }

    /// The number of non-zero entries.
    public var count: Int { indices.count }

    /// The dot product with another sparse vector (merge of the two sorted index lists).
    public func dot(_ other: SparseVector) -> Float {
        var i = 0, j = 0, sum: Float = 0
        while i < indices.count && j < other.indices.count {
            if indices[i] == other.indices[j] {
                sum += values[i] * other.values[j]
                i += 1
                j += 1
            } else if indices[i] < other.indices[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return sum
    }

    /// Scales the vector to unit L2 norm (a zero vector stays zero).
    public mutating func normalize() {
        var squares: Float = 0
        for value in values { squares += value * value }
        guard squares > 0 else { return }
        let scale = 1 / squares.squareRoot()
        for i in values.indices { values[i] *= scale }
    }
}
