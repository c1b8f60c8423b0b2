package io.deetune.itest.stage;

import io.deetune.core.api.Stage;
import org.osgi.service.component.annotations.Component;

/** Registers the test stage; the object is read from this bundle. */
@Component(property = {Stage.NAME + "=itest", Stage.PRIORITY + "=100", Stage.HOOK + "=xdp"})
public class ItestStage implements Stage {

    @Override
    public byte[] object() {
        return Stage.bundleResource(ItestStage.class, "bpf/itest.bpf.o");
    }

    @Override
    public String program() {
        return "itest";
    }
}
