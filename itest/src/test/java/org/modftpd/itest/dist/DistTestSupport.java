package org.modftpd.itest.dist;

import org.junit.After;
import org.junit.Before;

/** A fresh copy of the distribution for each test, removed after it (with whatever it left running). */
public abstract class DistTestSupport {

    protected DistHome dist;

    @Before
    public void copyDistribution() throws Exception {
        dist = DistHome.copy();
    }

    @After
    public void removeDistribution() throws Exception {
        dist.close();
    }
}
