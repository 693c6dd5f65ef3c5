package monet.host;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import monet.MonetException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Reservation;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * Finds the production instance by tag: exactly one running instance must carry it. None or
 * several is an error that lists every instance with the tag and its state, so the user can
 * pick one with {@code --instance}.
 */
final class Instances {
    private Instances() {}

    /**
     * One instance as discovery sees it.
     *
     * @param id        i-...
     * @param state     running, stopped, ...
     * @param publicIp  its public address ("" when none)
     * @param name      its Name tag ("" when none)
     */
    record Found(String id, String state, String publicIp, String name) {
        @Override
        public String toString() {
            return id + " (" + state + (name.isEmpty() ? "" : ", Name=" + name)
                    + (publicIp.isEmpty() ? "" : ", " + publicIp) + ")";
        }
    }

    /** Splits {@code KEY=VALUE} (also accepts {@code tag:KEY=VALUE}); a usage error otherwise. */
    static String[] tag(String spec) {
        String text = spec.startsWith("tag:") ? spec.substring(4) : spec;
        int eq = text.indexOf('=');
        if (eq <= 0 || eq == text.length() - 1) {
            throw MonetException.usage("a tag must look like KEY=VALUE (or tag:KEY=VALUE), got '" + spec + "'");
        }
        return new String[] {text.substring(0, eq), text.substring(eq + 1)};
    }

    /** Every instance with the tag, in any state. */
    static List<Found> withTag(Ec2Client ec2, String tagSpec) {
        String[] tag = tag(tagSpec);
        List<Found> found = new ArrayList<>();
        DescribeInstancesRequest request = DescribeInstancesRequest.builder()
                .filters(Filter.builder().name("tag:" + tag[0]).values(tag[1]).build()).build();
        for (Reservation reservation : ec2.describeInstancesPaginator(request).reservations()) {
            for (Instance instance : reservation.instances()) {
                found.add(describe(instance));
            }
        }
        return found;
    }

    /** The one running instance with the tag; otherwise an error listing what was found. */
    static Found theRunningOne(Ec2Client ec2, String tagSpec) {
        List<Found> all = withTag(ec2, tagSpec);
        List<Found> running = all.stream().filter(f -> f.state().equals("running")).collect(Collectors.toList());
        if (running.size() == 1) {
            return running.get(0);
        }
        String listing = all.isEmpty() ? "none at all"
                : all.stream().map(Found::toString).collect(Collectors.joining(", "));
        if (running.isEmpty()) {
            throw new MonetException("no running instance is tagged " + tagSpec + " (found: " + listing
                    + "); start it, fix instance.tag, or pass --instance ID");
        }
        throw new MonetException(running.size() + " running instances are tagged " + tagSpec + ": " + listing
                + "; pass --instance ID to pick one (or --all to run on every one)");
    }

    /** One instance by id, for its public address. */
    static Found byId(Ec2Client ec2, String id) {
        for (Reservation reservation : ec2.describeInstances(b -> b.instanceIds(id)).reservations()) {
            for (Instance instance : reservation.instances()) {
                return describe(instance);
            }
        }
        throw new MonetException("instance " + id + " was not found");
    }

    private static Found describe(Instance instance) {
        String name = instance.tags().stream().filter(t -> t.key().equals("Name")).map(Tag::value).findFirst().orElse("");
        String state = instance.state() == null ? "unknown" : instance.state().nameAsString();
        String ip = instance.publicIpAddress() == null ? "" : instance.publicIpAddress();
        return new Found(instance.instanceId(), state, ip, name);
    }
}
