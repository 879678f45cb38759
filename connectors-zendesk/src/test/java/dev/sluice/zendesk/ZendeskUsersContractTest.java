package dev.sluice.zendesk;

import dev.sluice.Record;
import dev.sluice.testkit.zendesk.ZendeskFake;

class ZendeskUsersContractTest extends ZendeskContract {

  ZendeskUsersContractTest() {
    super(Fakes::users, key -> Record.builder(key).set("name", "Ada " + key).set("email", key + "@example.com"),
        ZendeskFake::usersByExternalId);
  }
}
