package io.respool.gateway.auth;

import java.util.List;

/** Who is calling: an account and its roles (renter, host, admin). */
public record Principal(String accountId, List<String> roles) {
  public static final String RENTER = "renter";
  public static final String HOST = "host";
  public static final String ADMIN = "admin";

  public boolean has(String role) { return roles.contains(role); }
}
