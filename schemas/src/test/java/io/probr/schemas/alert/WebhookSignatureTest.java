package io.probr.schemas.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    @Test
    void signsTheSpecificationsExample() {
        // the example of the Standard Webhooks specification and of Svix's documentation
        assertEquals("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", WebhookSignature.sign(
                "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}"));
    }

    @Test
    void templateValuesCannotBreakTheReceiversJson() {
        assertEquals("{\"text\": \"Tag \\\"x\\\", y\\n failed\"}", BodyTemplate.render("{\"text\": \"Tag {{tag}} failed\"}",
                Map.of("tag", "\"x\", y\n")));
        assertEquals("nope", BodyTemplate.unknownPlaceholder("{{ tag }} {{nope}}").orElseThrow());
    }

    @Test
    void internalAddressesAreRefusedUnlessAllowed() throws Exception {
        UrlPolicy strict = new UrlPolicy(false);
        for (String url : new String[] {"http://127.0.0.1/", "http://localhost:8080/", "http://10.1.2.3/",
                "http://192.168.0.1/", "http://172.16.0.1/", "http://169.254.169.254/", "http://[::1]/",
                "http://[fd00::1]/", "http://0.0.0.0/", "http://100.64.0.1/", "gopher://example.com/",
                "http://user:pw@example.com/", "not a url"}) {
            assertTrue(strict.refusal(url).isPresent(), url);
        }
        assertTrue(new UrlPolicy(true).refusal("http://127.0.0.1:9/").isEmpty());
        assertTrue(!UrlPolicy.isInternal(InetAddress.getByName("93.184.216.34")));
    }
}
