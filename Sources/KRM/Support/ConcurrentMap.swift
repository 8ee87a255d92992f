import Dispatch

extension Array where Element: Sendable {
  /// `map` spread over the machine's cores, results in order. When several elements fail, the
  /// error of the first of them (in array order) is thrown, as a sequential map would.
  public func concurrentMap<T: Sendable, E: Error>(
    _ transform: @Sendable (Element) throws(E) -> T
  ) throws(E) -> [T] {
    guard count > 1 else {
      var results: [T] = []
      for element in self { results.append(try transform(element)) }
      return results
    }
    var slots = [Result<T, E>?](repeating: nil, count: count)
    let chunks = Swift.min(count, 64)
    slots.withUnsafeMutableBufferPointer { buffer in
      self.withUnsafeBufferPointer { elementBuffer in
        nonisolated(unsafe) let out = buffer
        nonisolated(unsafe) let elements = elementBuffer
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
          let lower = elements.count * chunk / chunks
          let upper = elements.count * (chunk + 1) / chunks
          for i in lower..<upper {
            do throws(E) {
              out[i] = .success(try transform(elements[i]))
            } catch {
              out[i] = .failure(error)
            }
          }
        }
      }
    }
    var results: [T] = []
    results.reserveCapacity(count)
    for slot in slots {
      switch slot {
      case .success(let value)?: results.append(value)
      case .failure(let error)?: throw error
      case nil: preconditionFailure("concurrentMap left a slot empty")
      }
    }
    return results
  }
}
