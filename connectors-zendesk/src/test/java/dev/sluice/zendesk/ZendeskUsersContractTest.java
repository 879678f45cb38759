package dev.sluice.zendesk;

import dev.sluice.Record;
import dev.sluice.testkit.zendesk.ZendeskFake;
import java.util.Map;

class ZendeskUsersContractTest extends ZendeskContract {

  @Override
  Zendesk.Builder destination(ZendeskFake fake) {
    return Fakes.users(fake);
  }

  @Override
  Record.Builder named(String key) {
    return Record.builder(key).set("name", "Ada " + key).set("email", key + "@example.com");
  }

  @Override
  Map<String, Map<String, Object>> held(ZendeskFake fake) {
    return fake.usersByExternalId();
  }
}
