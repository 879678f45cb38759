package dev.sluice.zendesk;

import dev.sluice.Record;
import dev.sluice.testkit.zendesk.ZendeskFake;
import java.util.Map;

class ZendeskOrganizationsContractTest extends ZendeskContract {

  @Override
  Zendesk.Builder destination(ZendeskFake fake) {
    return Fakes.organizations(fake);
  }

  @Override
  Record.Builder named(String key) {
    return Record.builder(key).set("name", "Org " + key).set("region", "EU");
  }

  @Override
  Map<String, Map<String, Object>> held(ZendeskFake fake) {
    return fake.organizationsByExternalId();
  }
}
