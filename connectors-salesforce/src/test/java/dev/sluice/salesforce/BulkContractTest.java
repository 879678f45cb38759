package dev.sluice.salesforce;

class BulkContractTest extends SalesforceContract {
  @Override
  Salesforce.Path path() {
    return Salesforce.Path.BULK;
  }
}
