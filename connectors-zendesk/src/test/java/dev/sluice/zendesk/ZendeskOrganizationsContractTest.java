package dev.sluice.zendesk;

import dev.sluice.Record;
import dev.sluice.testkit.zendesk.ZendeskFake;

class ZendeskOrganizationsContractTest extends ZendeskContract {

  ZendeskOrganizationsContractTest() {
    super(Fakes::organizations, key -> Record.builder(key).set("name", "Org " + key).set("region", "EU"),
        ZendeskFake::organizationsByExternalId);
  }
}
