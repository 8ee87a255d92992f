import Testing

@testable import Orchestration

@Test func configDirectoryFollowsStoopHomeThenXDGThenHome() {
  #expect(
    StoopHome(environment: ["STOOP_HOME": "/s", "XDG_CONFIG_HOME": "/x", "HOME": "/h"]).path == "/s"
  )
  #expect(StoopHome(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]).path == "/x/stoop")
  #expect(StoopHome(environment: ["HOME": "/h"]).path == "/h/.config/stoop")
  #expect(
    StoopHome(environment: ["STOOP_HOME": "/s"]).repository(namespace: "default", name: "blue")
      == "/s/repositories/default/blue")
}
