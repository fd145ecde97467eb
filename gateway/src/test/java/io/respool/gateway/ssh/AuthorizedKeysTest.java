package io.respool.gateway.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.respool.protocol.RespoolException;
import io.respool.terminal.TerminalService;
import java.util.List;
import org.junit.jupiter.api.Test;

/** authorized_keys lines as the key API takes them; fingerprints as `ssh-keygen -l -E sha256` prints them for the same keys. */
class AuthorizedKeysTest {
  static final String ED25519 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKvaPbn7fo/K3JMazaEwqS8CJsbwuaLb+XT3hWo7k7LB alice@laptop";
  static final String ECDSA_384 = "ecdsa-sha2-nistp384 AAAAE2VjZHNhLXNoYTItbmlzdHAzODQAAAAIbmlzdHAzODQAAABhBM8XXJgTQtuz0IaejdpocM8eM4yY9NreiH+sqCLAOZ+zMnjieuBiwdiw3WuGSEEAiGJjOWMVRy+60r1Zakoa7l4tFFMX8b2tO/N7yEB+OW1RYmyshJAWNxjRB2JPWLFO6A==";
  static final String RSA_1024 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDd8hagaR9o+aZO9e/vu8l1SDvFJe0c1RF048p7Ylen6JOyxBpZXswgaCdQ5B+C0kvjJRWfx5HxNTsIqK1PVmyJm4p/e1m4dq/BHWSCLjfY8W6nFLSFn5ahgKc/fLzbm3J4gGpOwx8Tz+ij3HX+qRGa+UT96jVaJ080bQ9OLsKCHw== root@vm";

  @Test
  void keysAreParsedWithOpenSshFingerprintsAndDeduplicated() {
    List<TerminalService.NewKey> keys = AuthorizedKeys.parse(List.of(ED25519, "  " + ECDSA_384 + "  ", ED25519.replace("alice@laptop", "again")));
    assertThat(keys).hasSize(2);
    assertThat(keys.get(0).type()).isEqualTo("ssh-ed25519");
    assertThat(keys.get(0).bits()).isEqualTo(256);
    assertThat(keys.get(0).fingerprint()).isEqualTo("SHA256:fK98eZK6YDyjGVuL7n4pjFTnqv4W8rACQH1eBGB2ikE");
    assertThat(keys.get(0).comment()).isEqualTo("alice@laptop");
    assertThat(keys.get(0).publicKey()).isEqualTo(ED25519.substring(0, ED25519.lastIndexOf(' ')));
    assertThat(keys.get(1).fingerprint()).isEqualTo("SHA256:uX/aSBO6xmqa+kJb7+HSMHqNaJGrTAc2vxFmFsvtx7s");
    assertThat(keys.get(1).bits()).isEqualTo(384);
    assertThat(keys.get(1).comment()).isNull();
  }

  @Test
  void badLinesAreRefusedNamingTheLine() {
    for (String bad : List.of("ssh-ed25519 AAAAnotbase64!", "ssh-dss AAAAB3NzaC1kc3MAAACBAP", "", "from=\"10.0.0.1\" " + ED25519,
        "ssh-ed25519 " + ECDSA_384.split(" ")[1], RSA_1024)) {
      assertThatThrownBy(() -> AuthorizedKeys.parse(List.of(ED25519, bad))).as(bad)
          .isInstanceOfSatisfying(RespoolException.class, e -> assertThat(e.getMessage()).contains("keys[1]"));
    }
    assertThatThrownBy(() -> AuthorizedKeys.parse(List.of(RSA_1024))).hasMessageContaining("1024 bits");
  }
}
