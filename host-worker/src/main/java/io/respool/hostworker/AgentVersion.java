package io.respool.hostworker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** The worker's version, from a resource Maven fills in at build time; "dev" when run unbuilt. */
public final class AgentVersion implements CommandLine.IVersionProvider {
  public String get() {
    try (InputStream in = AgentVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) return "dev";
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "dev");
      return v.startsWith("${") ? "dev" : v;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"respool-host-worker " + get(), "Java " + System.getProperty("java.version")};
  }
}
