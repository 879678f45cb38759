/** Example service: the quickstart's kind of sync run by the scheduler, triggered on data change and after dbt Cloud jobs. */
package dev.sluice.examples.service;
